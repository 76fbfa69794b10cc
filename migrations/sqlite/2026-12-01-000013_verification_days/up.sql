-- The verifier's dashboard reads decisions by the organization's day: a period's decisions walk
-- the payments by decision time when a day is rebuilt.
CREATE INDEX idx_payments_org_verified ON payments (organization_id, verified_at);

-- Decided payments per day of the organization (its time zone), method, status as it stands
-- (verified, rejected, refunded, bad debt) and failure reason ('' for none): counts and the sum
-- they count for in the organization's currency. Rebuilt for a day in the transaction of every
-- decision and reversal.
CREATE TABLE verification_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL,
    failure_reason TEXT NOT NULL DEFAULT '',
    payments BIGINT NOT NULL DEFAULT 0,
    amount_minor BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, day, method, status, failure_reason)
);

-- Decisions per day of the organization and waiting time (from the payment's recording to its
-- decision), in buckets named by their lower bound in minutes, steps growing with the wait
-- (verification::rollup::BUCKETS). The median time to a decision is read from these counts.
CREATE TABLE decision_waits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    bucket INTEGER NOT NULL,
    payments BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, day, bucket)
);

-- Decisions taken before this migration count on their UTC day.
INSERT INTO verification_days (organization_id, day, method, status, failure_reason, payments,
    amount_minor)
SELECT organization_id, date(verified_at), method, status, COALESCE(failure_reason, ''), COUNT(*),
    SUM(counted_org_minor)
FROM payments
WHERE verified_at IS NOT NULL AND status IN ('verified', 'rejected', 'refunded', 'bad_debt')
GROUP BY organization_id, date(verified_at), method, status, COALESCE(failure_reason, '');

INSERT INTO decision_waits (organization_id, day, bucket, payments)
SELECT organization_id, day, bucket, COUNT(*)
FROM (
    SELECT organization_id, date(verified_at) AS day,
        CASE
            WHEN m >= 86400 THEN 86400
            WHEN m >= 64800 THEN 64800
            WHEN m >= 43200 THEN 43200
            WHEN m >= 30240 THEN 30240
            WHEN m >= 20160 THEN 20160
            WHEN m >= 14400 THEN 14400
            WHEN m >= 10080 THEN 10080
            WHEN m >= 7200 THEN 7200
            WHEN m >= 5760 THEN 5760
            WHEN m >= 4320 THEN 4320
            WHEN m >= 2880 THEN 2880
            WHEN m >= 2160 THEN 2160
            WHEN m >= 1440 THEN 1440
            WHEN m >= 1200 THEN 1200
            WHEN m >= 960 THEN 960
            WHEN m >= 720 THEN 720
            WHEN m >= 480 THEN 480
            WHEN m >= 360 THEN 360
            WHEN m >= 240 THEN 240
            WHEN m >= 180 THEN 180
            WHEN m >= 120 THEN 120
            WHEN m >= 90 THEN 90
            WHEN m >= 60 THEN 60
            WHEN m >= 45 THEN 45
            WHEN m >= 30 THEN 30
            WHEN m >= 15 THEN 15
            WHEN m >= 10 THEN 10
            WHEN m >= 5 THEN 5
            ELSE 0
        END AS bucket
    FROM (
        SELECT organization_id, verified_at,
            CASE WHEN CAST((julianday(verified_at) - julianday(created_at)) * 1440 AS INTEGER) < 0 THEN 0 ELSE CAST((julianday(verified_at) - julianday(created_at)) * 1440 AS INTEGER) END AS m
        FROM payments
        WHERE verified_at IS NOT NULL AND status IN ('verified', 'rejected', 'refunded', 'bad_debt')
    ) AS waits
) AS buckets
GROUP BY organization_id, day, bucket;
