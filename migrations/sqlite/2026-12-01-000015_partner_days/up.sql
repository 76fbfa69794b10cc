-- Fulfilled orders per day of the organization (its time zone), partner and distributor (0 for
-- none): the partner dashboard's revenue and its chart read these rows, never the orders. Added
-- to in the transaction of every fulfilment (an atomic upsert; a fulfilled order is final).
CREATE TABLE partner_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    partner_id BIGINT NOT NULL DEFAULT 0,
    distributor_id BIGINT NOT NULL DEFAULT 0,
    orders BIGINT NOT NULL DEFAULT 0,
    revenue_minor BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, day, partner_id, distributor_id)
);
CREATE INDEX idx_partner_days_org_partner ON partner_days (organization_id, partner_id, day);
CREATE INDEX idx_partner_days_org_distributor ON partner_days (organization_id, distributor_id, day);

-- Orders fulfilled before: by their UTC day (the application then keeps each organization's).
INSERT INTO partner_days (organization_id, day, partner_id, distributor_id, orders, revenue_minor)
SELECT organization_id, date(fulfilled_at), COALESCE(partner_id, 0), COALESCE(distributor_id, 0),
       COUNT(*), SUM(total_minor)
FROM orders
WHERE status = 'fulfilled' AND fulfilled_at IS NOT NULL
GROUP BY organization_id, date(fulfilled_at), COALESCE(partner_id, 0), COALESCE(distributor_id, 0);

-- The contracts' lists and the dashboard count active contracts by expiration.
CREATE INDEX idx_contracts_org_status_expiration ON contracts (organization_id, status, expiration_date);

-- Webhook events are processed by a background task with retries: how many attempts were made,
-- when the next is due, and the provider configuration whose URL received the event.
ALTER TABLE webhook_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_events ADD COLUMN next_attempt_at TEXT;
ALTER TABLE webhook_events ADD COLUMN provider_config_id BIGINT REFERENCES provider_configs(id) ON DELETE SET NULL;
CREATE INDEX idx_webhook_events_due ON webhook_events (status, next_attempt_at);
CREATE INDEX idx_webhook_events_org_received ON webhook_events (organization_id, received_at);

-- Leads and orders per partner, distributor (0 for none) and status: the board's column heads
-- and the dashboard's counts read these few rows instead of counting the tables. Kept in the
-- transaction of every insert and move (atomic upserts), rebuilt by the demo and the load
-- generator.
CREATE TABLE partner_counts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    partner_id BIGINT NOT NULL DEFAULT 0,
    distributor_id BIGINT NOT NULL DEFAULT 0,
    kind VARCHAR(10) NOT NULL CHECK (kind IN ('lead', 'order')),
    status VARCHAR(20) NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, partner_id, distributor_id, kind, status)
);
INSERT INTO partner_counts (organization_id, partner_id, distributor_id, kind, status, total)
SELECT organization_id, COALESCE(partner_id, 0), COALESCE(distributor_id, 0), 'lead', status, COUNT(*)
FROM leads GROUP BY organization_id, COALESCE(partner_id, 0), COALESCE(distributor_id, 0), status;
INSERT INTO partner_counts (organization_id, partner_id, distributor_id, kind, status, total)
SELECT organization_id, COALESCE(partner_id, 0), COALESCE(distributor_id, 0), 'order', status, COUNT(*)
FROM orders GROUP BY organization_id, COALESCE(partner_id, 0), COALESCE(distributor_id, 0), status;

-- The partner lists page newest first by id within each scope (staff, a partner, a distributor),
-- with or without a stage: each walks its own index from the cursor instead of sorting.
CREATE INDEX idx_leads_org_id ON leads (organization_id, id);
CREATE INDEX idx_leads_org_partner_id ON leads (organization_id, partner_id, id);
CREATE INDEX idx_leads_org_distributor_id ON leads (organization_id, distributor_id, id);
CREATE INDEX idx_leads_org_status_id ON leads (organization_id, status, id);
CREATE INDEX idx_leads_org_partner_status_id ON leads (organization_id, partner_id, status, id);
CREATE INDEX idx_leads_org_distributor_status_id ON leads (organization_id, distributor_id, status, id);
CREATE INDEX idx_orders_org_id ON orders (organization_id, id);
CREATE INDEX idx_orders_org_partner_id ON orders (organization_id, partner_id, id);
CREATE INDEX idx_orders_org_distributor_id ON orders (organization_id, distributor_id, id);
CREATE INDEX idx_orders_org_status_id ON orders (organization_id, status, id);
-- The fulfillment queue, oldest first: only the orders waiting for a fulfiller.
CREATE INDEX idx_orders_queue ON orders (organization_id, id) WHERE status IN ('sent', 'in_fulfillment');
-- "My overdue activities": a user's open activities by due time.
CREATE INDEX idx_lead_activities_user_open_due ON lead_activities (organization_id, user_id, done, due_at);
-- Active and expiring contracts are counted within a partner's or a distributor's reach from
-- the index alone.
CREATE INDEX idx_contracts_org_partner_status_exp ON contracts (organization_id, partner_id, status, expiration_date);
CREATE INDEX idx_contracts_org_distributor_status_exp ON contracts (organization_id, distributor_id, status, expiration_date);
