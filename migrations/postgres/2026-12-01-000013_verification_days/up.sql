-- The verifier's dashboard reads decisions by the organization's day: a period's decisions walk
-- the payments by decision time when a day is rebuilt.
CREATE INDEX idx_payments_org_verified ON payments (organization_id, verified_at);

-- Decided payments per day of the organization (its time zone), method, status as it stands
-- (verified, rejected, refunded, bad debt) and failure reason ('' for none): counts and the sum
-- they count for in the organization's currency. Rebuilt for a day in the transaction of every
-- decision and reversal.
CREATE TABLE verification_days (
    id BIGSERIAL PRIMARY KEY,
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
-- decision), in buckets named by their lower bound in minutes: 5-minute steps in the first
-- hour, 30 minutes within a day, 3 hours within a week, days within 60 days, then one bucket.
-- The median time to a decision is read from these counts.
CREATE TABLE decision_waits (
    id BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    bucket INTEGER NOT NULL,
    payments BIGINT NOT NULL DEFAULT 0,
    UNIQUE (organization_id, day, bucket)
);

-- Decisions taken before this migration count on their UTC day.
INSERT INTO verification_days (organization_id, day, method, status, failure_reason, payments,
    amount_minor)
SELECT organization_id, CAST(verified_at AS DATE), method, status, COALESCE(failure_reason, ''), COUNT(*),
    SUM(counted_org_minor)
FROM payments
WHERE verified_at IS NOT NULL AND status IN ('verified', 'rejected', 'refunded', 'bad_debt')
GROUP BY organization_id, CAST(verified_at AS DATE), method, status, COALESCE(failure_reason, '');

INSERT INTO decision_waits (organization_id, day, bucket, payments)
SELECT organization_id, day, bucket, COUNT(*)
FROM (
    SELECT organization_id, CAST(verified_at AS DATE) AS day,
        CASE
            WHEN m < 60 THEN (m / 5) * 5
            WHEN m < 1440 THEN (m / 30) * 30
            WHEN m < 10080 THEN (m / 180) * 180
            WHEN m < 86400 THEN (m / 1440) * 1440
            ELSE 86400
        END AS bucket
    FROM (
        SELECT organization_id, verified_at,
            CASE WHEN CAST(EXTRACT(EPOCH FROM (verified_at - created_at)) / 60 AS BIGINT) < 0 THEN 0 ELSE CAST(EXTRACT(EPOCH FROM (verified_at - created_at)) / 60 AS BIGINT) END AS m
        FROM payments
        WHERE verified_at IS NOT NULL AND status IN ('verified', 'rejected', 'refunded', 'bad_debt')
    ) AS waits
) AS buckets
GROUP BY organization_id, day, bucket;
