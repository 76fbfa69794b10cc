-- Tenancy, people, access and the audit trail. Every later migration hangs off these tables.
-- Conventions (see migrations/README.md): *_minor = integer minor currency units, *_bp = hundredths
-- of a percent (500 = 5.00%), *_e4 = value x 10^4, timestamps are UTC without zone.

CREATE TABLE organizations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    name VARCHAR(100) NOT NULL,
    description TEXT,
    email VARCHAR(254),
    phone VARCHAR(20),
    address TEXT,
    website VARCHAR(200),
    logo_path VARCHAR(200),
    currency CHAR(3) NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    -- bit 0 = Monday ... bit 6 = Sunday; 31 = Monday to Friday
    working_days_mask INTEGER NOT NULL DEFAULT 31 CHECK (working_days_mask BETWEEN 0 AND 127),
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    default_commission_bp INTEGER NOT NULL DEFAULT 500 CHECK (default_commission_bp BETWEEN 0 AND 10000),
    target_bonus_bp INTEGER NOT NULL DEFAULT 0 CHECK (target_bonus_bp BETWEEN 0 AND 10000),
    second_approval_threshold_minor BIGINT CHECK (second_approval_threshold_minor > 0),
    sales_goal_minor BIGINT CHECK (sales_goal_minor > 0),
    low_stock_warning INTEGER NOT NULL DEFAULT 10 CHECK (low_stock_warning >= 0),
    low_stock_critical INTEGER NOT NULL DEFAULT 5 CHECK (low_stock_critical >= 0),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name VARCHAR(50) NOT NULL,
    description TEXT,
    -- the default role this row was created from (admin, sales, ...); NULL for custom roles
    system_key VARCHAR(30),
    commission_rate_bp INTEGER CHECK (commission_rate_bp BETWEEN 0 AND 10000),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, name)
);

CREATE TABLE role_permissions (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    permission VARCHAR(50) NOT NULL,
    PRIMARY KEY (role_id, permission)
);
CREATE INDEX idx_role_permissions_org ON role_permissions (organization_id, role_id);

-- Partners and distributors are tenancy entities: partner-side users belong to one of them.
CREATE TABLE partners (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name VARCHAR(200) NOT NULL,
    legal_name VARCHAR(200),
    registration_number VARCHAR(50),
    email VARCHAR(254),
    phone VARCHAR(30),
    website VARCHAR(200),
    address_line1 VARCHAR(200),
    address_line2 VARCHAR(200),
    city VARCHAR(100),
    postal_code VARCHAR(20),
    country VARCHAR(2),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    notes TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, registration_number)
);
CREATE INDEX idx_partners_org_name ON partners (organization_id, name);
CREATE INDEX idx_partners_org_active ON partners (organization_id, is_active);

CREATE TABLE distributors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name VARCHAR(200) NOT NULL,
    legal_name VARCHAR(200),
    registration_number VARCHAR(50),
    email VARCHAR(254),
    phone VARCHAR(30),
    website VARCHAR(200),
    address_line1 VARCHAR(200),
    address_line2 VARCHAR(200),
    city VARCHAR(100),
    postal_code VARCHAR(20),
    country VARCHAR(2),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    notes TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, registration_number)
);
CREATE INDEX idx_distributors_org_name ON distributors (organization_id, name);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    -- NULL only for platform admins, who belong to no organization
    organization_id BIGINT REFERENCES organizations(id) ON DELETE RESTRICT,
    role_id BIGINT REFERENCES roles(id) ON DELETE RESTRICT,
    team_id BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    partner_id BIGINT REFERENCES partners(id) ON DELETE SET NULL,
    distributor_id BIGINT REFERENCES distributors(id) ON DELETE SET NULL,
    email VARCHAR(254) NOT NULL UNIQUE,
    password_hash VARCHAR(200) NOT NULL,
    first_name VARCHAR(150) NOT NULL,
    last_name VARCHAR(150) NOT NULL,
    phone VARCHAR(20),
    address TEXT,
    auth_provider VARCHAR(30) NOT NULL DEFAULT 'local',
    external_id VARCHAR(200),
    is_platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_verified BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    sales_target_minor BIGINT CHECK (sales_target_minor >= 0),
    commission_rate_bp INTEGER CHECK (commission_rate_bp BETWEEN 0 AND 10000),
    current_streak INTEGER NOT NULL DEFAULT 0 CHECK (current_streak >= 0),
    failed_login_count INTEGER NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
    locked_until TEXT,
    last_login_at TEXT,
    password_changed_at TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK ((is_platform_admin AND organization_id IS NULL AND role_id IS NULL)
        OR (NOT is_platform_admin AND organization_id IS NOT NULL AND role_id IS NOT NULL))
);
CREATE INDEX idx_users_org ON users (organization_id, id);
CREATE INDEX idx_users_org_role ON users (organization_id, role_id);
CREATE INDEX idx_users_org_team ON users (organization_id, team_id);
CREATE INDEX idx_users_org_active ON users (organization_id, is_active);
CREATE INDEX idx_users_org_name ON users (organization_id, last_name, first_name);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    description TEXT,
    lead_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, name)
);

CREATE TABLE user_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    organization_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    -- NULL: use the organization's timezone
    timezone VARCHAR(64),
    language VARCHAR(10) NOT NULL DEFAULT 'en',
    avatar_path VARCHAR(200),
    bio TEXT,
    preferences TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_user_profiles_org ON user_profiles (organization_id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- SHA-256 of the random token held in the cookie; the token itself is never stored
    token_hash CHAR(64) NOT NULL UNIQUE,
    ip_address VARCHAR(45),
    user_agent VARCHAR(500),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_seen_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason VARCHAR(50)
);
CREATE INDEX idx_sessions_user ON sessions (user_id, revoked_at);
CREATE INDEX idx_sessions_org ON sessions (organization_id, user_id);

-- Single-use tokens sent by e-mail: address verification, password reset, invitation.
CREATE TABLE auth_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose VARCHAR(20) NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'invite')),
    token_hash CHAR(64) NOT NULL UNIQUE,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_auth_tokens_user ON auth_tokens (user_id, purpose);

-- Failed sign-ins per client address, for throttling across app instances.
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ip_address VARCHAR(45) NOT NULL,
    email VARCHAR(254) NOT NULL,
    attempted_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_login_attempts_ip ON login_attempts (ip_address, attempted_at);

-- Human-readable numbers (DLID0001, TXN000001, ...) per organization and kind.
CREATE TABLE number_sequences (
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind VARCHAR(30) NOT NULL,
    last_value BIGINT NOT NULL DEFAULT 0 CHECK (last_value >= 0),
    PRIMARY KEY (organization_id, kind)
);

-- The head of each organization's audit hash chain (chain_key 0 = platform events). Writers
-- update this row first, which serialises appends to one chain on both databases.
CREATE TABLE audit_chain_heads (
    chain_key BIGINT PRIMARY KEY,
    last_hash CHAR(64) NOT NULL,
    entries BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT REFERENCES organizations(id) ON DELETE RESTRICT,
    actor_user_id BIGINT REFERENCES users(id) ON DELETE RESTRICT,
    actor_email VARCHAR(254),
    action VARCHAR(50) NOT NULL,
    entity_type VARCHAR(50) NOT NULL,
    entity_id VARCHAR(100),
    old_values TEXT,
    new_values TEXT,
    ip_address VARCHAR(45),
    user_agent VARCHAR(500),
    created_at TEXT NOT NULL,
    prev_hash CHAR(64) NOT NULL,
    hash CHAR(64) NOT NULL
);
CREATE INDEX idx_audit_org_id ON audit_log (organization_id, id);
CREATE INDEX idx_audit_org_action ON audit_log (organization_id, action, id);
CREATE INDEX idx_audit_org_entity ON audit_log (organization_id, entity_type, entity_id);
CREATE INDEX idx_audit_org_actor ON audit_log (organization_id, actor_user_id, id);
CREATE INDEX idx_audit_org_created ON audit_log (organization_id, created_at);

-- Append-only: the database itself refuses to change or remove audit rows.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
