-- Wrong passwords are counted per e-mail typed (with or without an account), per address and
-- in total: both lookups are index range scans.
CREATE INDEX idx_login_attempts_email ON login_attempts (email, ip_address, attempted_at);
