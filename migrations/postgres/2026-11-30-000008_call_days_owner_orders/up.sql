-- Calls per caller and UTC day, by status, outcome and loss reason. The call metrics add up
-- these rows for the whole days of a range and count the calls themselves only on its two
-- partial days, so a month of metrics reads a few hundred rows instead of every call. Kept by
-- src/sales/calls/rollup.rs in the transaction of every call logged or edited. No outcome is
-- '' and no loss reason 0, so that a day's rows are plain values.
CREATE TABLE call_days (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    status VARCHAR(20) NOT NULL,
    outcome VARCHAR(20) NOT NULL DEFAULT '',
    loss_reason_id BIGINT NOT NULL DEFAULT 0,
    calls BIGINT NOT NULL CHECK (calls > 0)
);
CREATE INDEX idx_call_days_org_day ON call_days (organization_id, day, user_id);
CREATE INDEX idx_call_days_org_user_day ON call_days (organization_id, user_id, day);
INSERT INTO call_days (organization_id, user_id, day, status, outcome, loss_reason_id, calls)
SELECT organization_id, user_id, CAST(completed_at AS DATE), status, COALESCE(outcome, ''),
    COALESCE(loss_reason_id, 0), COUNT(*)
FROM calls WHERE completed_at IS NOT NULL
GROUP BY organization_id, user_id, CAST(completed_at AS DATE), status, COALESCE(outcome, ''),
    COALESCE(loss_reason_id, 0);

-- A salesperson's deals in amount or date order walk their own part of an index, instead of
-- the organization's with most rows belonging to others.
CREATE INDEX idx_deals_org_creator_amount ON deals (organization_id, created_by_id, amount_minor, id);
CREATE INDEX idx_deals_org_creator_date ON deals (organization_id, created_by_id, deal_date, id);
