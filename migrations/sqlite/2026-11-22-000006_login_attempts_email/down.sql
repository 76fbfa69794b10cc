DROP INDEX idx_login_attempts_email;
