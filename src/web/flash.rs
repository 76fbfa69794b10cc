//! One-shot messages carried in the session across a redirect (POST-redirect-GET).

use actix_session::Session;
use serde::{Deserialize, Serialize};

const KEY: &str = "flash";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// "success" or "error"; used as a CSS class.
    pub kind: String,
    pub message: String,
    /// Where the work goes on from here: (href, words), shown after the message.
    #[serde(default)]
    pub link: Option<(String, String)>,
}

impl Flash {
    pub fn success(session: &Session, message: impl Into<String>) {
        let flash = Flash {
            kind: "success".into(),
            message: message.into(),
            link: None,
        };
        // A flash that cannot be stored is only a lost notice; the action itself succeeded.
        let _ = session.insert(KEY, flash);
    }

    /// A success with a link to where the work goes on (an approved payment's invoice).
    pub fn success_with_link(
        session: &Session,
        message: impl Into<String>,
        href: String,
        words: &str,
    ) {
        let flash = Flash {
            kind: "success".into(),
            message: message.into(),
            link: Some((href, words.to_string())),
        };
        let _ = session.insert(KEY, flash);
    }

    /// A refusal explained after a redirect (the action did not happen).
    pub fn error(session: &Session, message: impl Into<String>) {
        let flash = Flash {
            kind: "error".into(),
            message: message.into(),
            link: None,
        };
        let _ = session.insert(KEY, flash);
    }

    /// Takes the pending message, so that it shows once.
    pub fn take(session: &Session) -> Option<Flash> {
        session.remove_as::<Flash>(KEY).and_then(Result::ok)
    }
}
