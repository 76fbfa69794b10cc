-- Catalog, the partner channel (leads, orders and quotes, contracts) and their notes.

CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name VARCHAR(200) NOT NULL,
    product_type VARCHAR(50) NOT NULL,
    unit VARCHAR(30) NOT NULL,
    category VARCHAR(100),
    description TEXT,
    -- volume: the tier covering the quantity prices every unit; graduated: each unit by its tier
    pricing_model VARCHAR(20) NOT NULL DEFAULT 'volume' CHECK (pricing_model IN ('volume', 'graduated')),
    is_subscription BOOLEAN NOT NULL DEFAULT TRUE,
    track_stock BOOLEAN NOT NULL DEFAULT FALSE,
    stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    image_path VARCHAR(200),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, name)
);
CREATE INDEX idx_products_org_type ON products (organization_id, product_type);
CREATE INDEX idx_products_org_category ON products (organization_id, category);
CREATE INDEX idx_products_org_stock ON products (organization_id, track_stock, stock);

CREATE TABLE price_tiers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    min_quantity INTEGER NOT NULL CHECK (min_quantity >= 0),
    max_quantity INTEGER,
    unit_price_e4 BIGINT NOT NULL CHECK (unit_price_e4 > 0),
    period VARCHAR(10) NOT NULL DEFAULT 'month' CHECK (period IN ('month', 'year')),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (max_quantity IS NULL OR max_quantity > min_quantity)
);
CREATE INDEX idx_price_tiers_org_product ON price_tiers (organization_id, product_id, min_quantity);

CREATE TABLE durations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    months INTEGER NOT NULL CHECK (months > 0),
    name VARCHAR(100) NOT NULL,
    discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (organization_id, months)
);

CREATE TABLE distributor_partners (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    distributor_id BIGINT NOT NULL REFERENCES distributors(id) ON DELETE CASCADE,
    partner_id BIGINT NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    assigned_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    assigned_by_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    notes TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (distributor_id, partner_id)
);
CREATE INDEX idx_distributor_partners_org ON distributor_partners (organization_id, distributor_id, is_active);

CREATE TABLE leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL,
    company_name VARCHAR(200),
    contact_name VARCHAR(200),
    contact_email VARCHAR(254),
    contact_phone VARCHAR(50),
    value_minor BIGINT CHECK (value_minor >= 0),
    currency CHAR(3) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'qualified',
        'proposal', 'negotiation', 'won', 'lost')),
    probability INTEGER CHECK (probability BETWEEN 0 AND 100),
    expected_close_date TEXT,
    owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    partner_id BIGINT REFERENCES partners(id) ON DELETE RESTRICT,
    distributor_id BIGINT REFERENCES distributors(id) ON DELETE RESTRICT,
    provider_name VARCHAR(50),
    provider_id VARCHAR(200),
    provider_metadata TEXT,
    last_sync_at TEXT,
    sync_status VARCHAR(20),
    sync_error TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_leads_org_owner_status ON leads (organization_id, owner_id, status);
CREATE INDEX idx_leads_org_distributor_partner ON leads (organization_id, distributor_id, partner_id);
CREATE INDEX idx_leads_org_partner ON leads (organization_id, partner_id, status);
CREATE INDEX idx_leads_org_provider ON leads (organization_id, provider_name, provider_id);
CREATE INDEX idx_leads_org_status_created ON leads (organization_id, status, created_at);

CREATE TABLE lead_activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    activity_type VARCHAR(20) NOT NULL CHECK (activity_type IN ('call', 'email', 'meeting', 'task')),
    subject VARCHAR(200) NOT NULL,
    description TEXT,
    due_at TEXT,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    done_at TEXT,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    provider_name VARCHAR(50),
    provider_id VARCHAR(200),
    provider_metadata TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (NOT done OR done_at IS NOT NULL)
);
CREATE INDEX idx_lead_activities_org_lead ON lead_activities (organization_id, lead_id, activity_type);
CREATE INDEX idx_lead_activities_org_due ON lead_activities (organization_id, due_at);

CREATE TABLE lead_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    created_by_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    provider_name VARCHAR(50),
    provider_id VARCHAR(200),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_lead_notes_org_lead ON lead_notes (organization_id, lead_id, created_at);

CREATE TABLE lead_status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    old_status VARCHAR(20),
    new_status VARCHAR(20) NOT NULL CHECK (new_status IN ('new', 'contacted', 'qualified',
        'proposal', 'negotiation', 'won', 'lost')),
    changed_by_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT,
    changed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_lead_status_history_org_lead ON lead_status_history (organization_id, lead_id, changed_at);

-- An order in 'created' or 'sent' is a quote.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    order_number VARCHAR(20) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'sent',
        'in_fulfillment', 'fulfilled', 'cancelled')),
    client_id BIGINT REFERENCES clients(id) ON DELETE SET NULL,
    partner_id BIGINT REFERENCES partners(id) ON DELETE RESTRICT,
    distributor_id BIGINT REFERENCES distributors(id) ON DELETE RESTRICT,
    lead_id BIGINT REFERENCES leads(id) ON DELETE SET NULL,
    created_by_id BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    currency CHAR(3) NOT NULL,
    subtotal_minor BIGINT NOT NULL DEFAULT 0 CHECK (subtotal_minor >= 0),
    discount_minor BIGINT NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_minor BIGINT NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor BIGINT NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
    billing_provider VARCHAR(50),
    billing_quote_id VARCHAR(200),
    billing_metadata TEXT,
    crm_provider VARCHAR(50),
    crm_deal_id VARCHAR(200),
    crm_metadata TEXT,
    notes_internal TEXT,
    cancel_reason TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at TEXT,
    fulfilled_at TEXT,
    cancelled_at TEXT,
    UNIQUE (organization_id, order_number),
    CHECK (status <> 'cancelled' OR (cancel_reason IS NOT NULL AND cancelled_at IS NOT NULL))
);
CREATE INDEX idx_orders_org_status_created ON orders (organization_id, status, created_at);
CREATE INDEX idx_orders_org_partner_status ON orders (organization_id, partner_id, status);
CREATE INDEX idx_orders_org_distributor_status ON orders (organization_id, distributor_id, status);
CREATE INDEX idx_orders_org_creator ON orders (organization_id, created_by_id, id);

CREATE TABLE order_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
    duration_id BIGINT REFERENCES durations(id) ON DELETE RESTRICT,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_e4 BIGINT NOT NULL CHECK (unit_price_e4 >= 0),
    discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    subtotal_minor BIGINT NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor BIGINT NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    total_minor BIGINT NOT NULL CHECK (total_minor >= 0),
    -- snapshot of the product and duration when the order was made
    product_name VARCHAR(200) NOT NULL,
    product_type VARCHAR(50) NOT NULL,
    product_unit VARCHAR(30) NOT NULL,
    is_subscription BOOLEAN NOT NULL DEFAULT TRUE,
    duration_months INTEGER CHECK (duration_months > 0),
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_order_items_org_order ON order_items (organization_id, order_id);
CREATE INDEX idx_order_items_org_product ON order_items (organization_id, product_id);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    contract_number VARCHAR(20) NOT NULL,
    order_id BIGINT NOT NULL UNIQUE REFERENCES orders(id) ON DELETE RESTRICT,
    status VARCHAR(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lost', 'upgraded',
        'downgraded', 'expired', 'cancelled')),
    billing_provider VARCHAR(50),
    billing_customer_id VARCHAR(200),
    billing_invoices TEXT,
    billing_metadata TEXT,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    partner_id BIGINT REFERENCES partners(id) ON DELETE RESTRICT,
    distributor_id BIGINT REFERENCES distributors(id) ON DELETE RESTRICT,
    activation_date TEXT NOT NULL,
    expiration_date TEXT NOT NULL,
    renewed_from_id BIGINT REFERENCES contracts(id) ON DELETE SET NULL,
    total_value_minor BIGINT NOT NULL CHECK (total_value_minor >= 0),
    currency CHAR(3) NOT NULL,
    notes_internal TEXT,
    expiry_notified_at TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    cancelled_at TEXT,
    UNIQUE (organization_id, contract_number),
    CHECK (expiration_date > activation_date)
);
CREATE INDEX idx_contracts_org_status_activation ON contracts (organization_id, status, activation_date);
CREATE INDEX idx_contracts_org_partner_status ON contracts (organization_id, partner_id, status);
CREATE INDEX idx_contracts_org_distributor_status ON contracts (organization_id, distributor_id, status);
CREATE INDEX idx_contracts_org_expiration ON contracts (organization_id, expiration_date);

-- Notes on orders and contracts (lead notes have their own table).
CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT NOT NULL UNIQUE,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    order_id BIGINT REFERENCES orders(id) ON DELETE CASCADE,
    contract_id BIGINT REFERENCES contracts(id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    is_internal BOOLEAN NOT NULL DEFAULT TRUE,
    is_pinned BOOLEAN NOT NULL DEFAULT FALSE,
    created_by_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (order_id IS NOT NULL OR contract_id IS NOT NULL)
);
CREATE INDEX idx_notes_org_order ON notes (organization_id, order_id, created_at);
CREATE INDEX idx_notes_org_contract ON notes (organization_id, contract_id, created_at);
