-- Clients, deals, payments and everything that follows from a verified payment; calls.

CREATE TABLE projects (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE RESTRICT,
    name VARCHAR(100) NOT NULL,
    description TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'on_hold', 'completed', 'cancelled')),
    start_date DATE,
    end_date DATE,
    created_by_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX idx_projects_org_team ON projects (organization_id, team_id);

-- One entity for the seeds' clients (PRS) and customers (CRM).
CREATE TABLE clients (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    email VARCHAR(254),
    phone VARCHAR(20),
    address TEXT,
    -- 0.00 to 5.00 stars, in hundredths
    satisfaction_rating INTEGER CHECK (satisfaction_rating BETWEEN 0 AND 500),
    notes TEXT,
    -- completed deals plus fulfilled orders, kept up to date in the same transaction
    purchase_total_minor BIGINT NOT NULL DEFAULT 0 CHECK (purchase_total_minor >= 0),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_clients_org ON clients (organization_id, id);
CREATE INDEX idx_clients_org_creator ON clients (organization_id, created_by_id, id);
CREATE INDEX idx_clients_org_name ON clients (organization_id, name);
CREATE INDEX idx_clients_org_email ON clients (organization_id, email);

CREATE TABLE deals (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    deal_number VARCHAR(20) NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id) ON DELETE RESTRICT,
    project_id BIGINT REFERENCES projects(id) ON DELETE SET NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency CHAR(3) NOT NULL,
    description TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled')),
    payment_method VARCHAR(20)
        CHECK (payment_method IN ('cash', 'cheque', 'bank_transfer', 'card', 'wallet')),
    payment_status VARCHAR(20) NOT NULL DEFAULT 'initial'
        CHECK (payment_status IN ('initial', 'partial', 'full')),
    verification_status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (verification_status IN ('pending', 'verified', 'rejected')),
    client_status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (client_status IN ('clear', 'pending', 'bad_debt')),
    -- sum of verified payments, maintained with them; never above the deal amount
    paid_minor BIGINT NOT NULL DEFAULT 0 CHECK (paid_minor >= 0 AND paid_minor <= amount_minor),
    is_original BOOLEAN NOT NULL DEFAULT TRUE,
    deal_date DATE NOT NULL,
    due_date DATE,
    source VARCHAR(20) NOT NULL DEFAULT 'other'
        CHECK (source IN ('linkedin', 'instagram', 'google', 'referral', 'other')),
    created_by_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, deal_number),
    CHECK (due_date IS NULL OR due_date >= deal_date)
);
CREATE INDEX idx_deals_org ON deals (organization_id, id);
CREATE INDEX idx_deals_org_creator ON deals (organization_id, created_by_id, id);
CREATE INDEX idx_deals_org_status ON deals (organization_id, status);
CREATE INDEX idx_deals_org_client ON deals (organization_id, client_id);
CREATE INDEX idx_deals_org_created ON deals (organization_id, created_at);

CREATE TABLE payments (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    transaction_number VARCHAR(20) NOT NULL,
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE RESTRICT,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency CHAR(3) NOT NULL,
    -- exchange rate to the organization currency, x 10^4
    exchange_rate_e4 BIGINT NOT NULL DEFAULT 10000 CHECK (exchange_rate_e4 > 0),
    category VARCHAR(20) NOT NULL CHECK (category IN ('advance', 'partial', 'final')),
    method VARCHAR(20) NOT NULL
        CHECK (method IN ('cash', 'cheque', 'bank_transfer', 'card', 'wallet')),
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'verified', 'rejected', 'refunded', 'bad_debt')),
    payment_date DATE NOT NULL,
    cheque_number VARCHAR(50),
    bank_reference VARCHAR(100),
    receipt_path VARCHAR(200),
    receipt_content_type VARCHAR(50),
    notes TEXT,
    failure_reason VARCHAR(30) CHECK (failure_reason IN ('insufficient_funds', 'bank_decline',
        'technical_error', 'cheque_bounce', 'received_not_reflected', 'other')),
    received_amount_minor BIGINT CHECK (received_amount_minor >= 0),
    verified_by_id BIGINT REFERENCES users(id) ON DELETE RESTRICT,
    verified_at TIMESTAMP,
    created_by_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, transaction_number),
    UNIQUE (organization_id, cheque_number),
    CHECK (method <> 'cheque' OR cheque_number IS NOT NULL),
    CHECK (method <> 'bank_transfer' OR bank_reference IS NOT NULL),
    CHECK (status <> 'rejected' OR failure_reason IS NOT NULL)
);
CREATE INDEX idx_payments_org ON payments (organization_id, id);
CREATE INDEX idx_payments_org_deal ON payments (organization_id, deal_id);
CREATE INDEX idx_payments_org_status_created ON payments (organization_id, status, created_at);
CREATE INDEX idx_payments_org_creator ON payments (organization_id, created_by_id, id);

CREATE TABLE payment_approvals (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    payment_id BIGINT NOT NULL REFERENCES payments(id) ON DELETE CASCADE,
    approver_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    -- 1 = first verification, 2 = the second one required above the organization's threshold
    step INTEGER NOT NULL DEFAULT 1 CHECK (step IN (1, 2)),
    decision VARCHAR(20) NOT NULL CHECK (decision IN ('approved', 'rejected')),
    comments TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (payment_id, step),
    UNIQUE (payment_id, approver_id),
    CHECK (decision <> 'rejected' OR (comments IS NOT NULL AND length(comments) > 0))
);
CREATE INDEX idx_payment_approvals_org ON payment_approvals (organization_id, approver_id, created_at);

CREATE TABLE invoices (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    payment_id BIGINT NOT NULL UNIQUE REFERENCES payments(id) ON DELETE CASCADE,
    invoice_number VARCHAR(30) NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_minor BIGINT NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor BIGINT NOT NULL CHECK (total_minor >= 0),
    currency CHAR(3) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'issued', 'rejected', 'refunded', 'void')),
    file_path VARCHAR(200),
    issued_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, invoice_number)
);
CREATE INDEX idx_invoices_org_status ON invoices (organization_id, status, created_at);

CREATE TABLE deal_activities (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    action VARCHAR(50) NOT NULL,
    description TEXT,
    old_values TEXT,
    new_values TEXT,
    ip_address VARCHAR(45),
    user_agent VARCHAR(500),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_deal_activities_org_deal ON deal_activities (organization_id, deal_id, id);

CREATE TABLE commissions (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    deal_id BIGINT NOT NULL REFERENCES deals(id) ON DELETE RESTRICT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    base_minor BIGINT NOT NULL CHECK (base_minor >= 0),
    rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    commission_minor BIGINT NOT NULL CHECK (commission_minor >= 0),
    currency CHAR(3) NOT NULL,
    exchange_rate_e4 BIGINT NOT NULL DEFAULT 10000 CHECK (exchange_rate_e4 > 0),
    converted_minor BIGINT NOT NULL CHECK (converted_minor >= 0),
    bonus_minor BIGINT NOT NULL DEFAULT 0 CHECK (bonus_minor >= 0),
    penalty_minor BIGINT NOT NULL DEFAULT 0 CHECK (penalty_minor >= 0),
    penalty_reason TEXT,
    final_minor BIGINT NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'paid')),
    paid_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (deal_id, user_id),
    CHECK (penalty_minor = 0 OR penalty_reason IS NOT NULL),
    CHECK (status <> 'paid' OR paid_at IS NOT NULL)
);
CREATE INDEX idx_commissions_org_user ON commissions (organization_id, user_id, created_at);

CREATE TABLE streak_records (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    deals_created INTEGER NOT NULL DEFAULT 0 CHECK (deals_created >= 0),
    payments_verified INTEGER NOT NULL DEFAULT 0 CHECK (payments_verified >= 0),
    verified_minor BIGINT NOT NULL DEFAULT 0 CHECK (verified_minor >= 0),
    streak_count INTEGER NOT NULL DEFAULT 0 CHECK (streak_count >= 0),
    is_counted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, day)
);
CREATE INDEX idx_streak_records_org_day ON streak_records (organization_id, day);

CREATE TABLE loss_reasons (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    description TEXT,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, name)
);

CREATE TABLE calls (
    id BIGSERIAL PRIMARY KEY,
    public_id UUID NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    client_id BIGINT REFERENCES clients(id) ON DELETE SET NULL,
    prospect_name VARCHAR(255) NOT NULL,
    prospect_email VARCHAR(254),
    prospect_phone VARCHAR(50),
    call_type VARCHAR(20) NOT NULL CHECK (call_type IN ('inbound', 'outbound')),
    status VARCHAR(20) NOT NULL CHECK (status IN ('completed', 'no_show', 'rescheduled')),
    outcome VARCHAR(20) CHECK (outcome IN ('won', 'lost', 'tbd')),
    loss_reason_id BIGINT REFERENCES loss_reasons(id) ON DELETE RESTRICT,
    notes TEXT CHECK (notes IS NULL OR length(notes) <= 1000),
    duration_seconds INTEGER CHECK (duration_seconds >= 0),
    scheduled_at TIMESTAMP,
    completed_at TIMESTAMP,
    rescheduled_to TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (outcome IS NULL OR status = 'completed'),
    CHECK (outcome IS NULL OR outcome <> 'lost' OR loss_reason_id IS NOT NULL),
    CHECK (status <> 'rescheduled' OR rescheduled_to IS NOT NULL)
);
CREATE INDEX idx_calls_org_user ON calls (organization_id, user_id);
CREATE INDEX idx_calls_org_status ON calls (organization_id, status);
CREATE INDEX idx_calls_org_outcome ON calls (organization_id, outcome);
CREATE INDEX idx_calls_org_created ON calls (organization_id, created_at);
CREATE INDEX idx_calls_org_completed ON calls (organization_id, completed_at);
