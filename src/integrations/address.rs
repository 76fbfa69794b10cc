//! Where a provider may be reached. Its credential goes with every call, so an address that
//! points back into this machine or its network (loopback, link-local, private and other
//! non-public ranges) would hand the credential to whatever listens there. Such addresses are
//! refused unless the organization allows them (`organizations.allow_private_providers`, for a
//! provider inside its own network): when the form is saved, for an address written as one, and
//! again before every call, for every address the name resolves to then.

use std::net::{IpAddr, ToSocketAddrs};

/// What is said when an address is refused.
pub const REFUSED: &str = "This address is on a private network (loopback, link-local or a \
                           private range). Use the provider's public address, or allow private \
                           addresses under Settings if the provider runs inside your network.";

/// Whether `ip` is not a public internet address.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                // Shared address space (carrier-grade NAT) and "this network".
                || (a == 100 && (64..128).contains(&b))
                || a == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                // Unique local (fc00::/7) and link-local (fe80::/10).
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// The host and port of an http(s) address.
fn host_port(url: &str) -> Result<(String, u16), String> {
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|_| "Give the address with https://, like https://api.example.com.".to_string())?;
    let host = uri
        .host()
        .ok_or("The address names no host.")?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("http") {
            80
        } else {
            443
        });
    Ok((host, port))
}

/// At saving: refuses an address written as a private IP, or a name of this machine.
pub fn check_written(url: &str, allow_private: bool) -> Result<(), String> {
    let (host, _) = host_port(url)?;
    if allow_private {
        return Ok(());
    }
    let private = match host.parse::<IpAddr>() {
        Ok(ip) => is_private(ip),
        Err(_) => host == "localhost" || host.ends_with(".localhost"),
    };
    if private { Err(REFUSED.into()) } else { Ok(()) }
}

/// Before a call: refuses the address when any address its name resolves to now is private.
pub fn check_resolved(url: &str, allow_private: bool) -> Result<(), String> {
    check_written(url, allow_private)?;
    if allow_private {
        return Ok(());
    }
    let (host, port) = host_port(url)?;
    let addrs = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| format!("the provider's name does not resolve: {e}"))?;
    for a in addrs {
        if is_private(a.ip()) {
            return Err(REFUSED.into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_told_apart_from_public_ones() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(private.parse().expect("ip")), "{private}");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_private(public.parse().expect("ip")), "{public}");
        }
    }

    #[test]
    fn written_addresses_are_checked_unless_allowed() {
        for url in [
            "http://127.0.0.1:8080",
            "https://localhost/api",
            "http://[::1]:9000",
            "https://169.254.169.254/latest",
            "https://10.0.0.5",
        ] {
            assert_eq!(check_written(url, false), Err(REFUSED.into()), "{url}");
            assert_eq!(check_written(url, true), Ok(()), "{url}");
        }
        assert_eq!(check_written("https://api.example.com", false), Ok(()));
        assert_eq!(check_written("https://93.184.216.34:8443", false), Ok(()));
        // Resolved before a call: a name of this machine is refused however it is spelled.
        assert_eq!(
            check_resolved("http://localhost:9", false),
            Err(REFUSED.into())
        );
    }
}
