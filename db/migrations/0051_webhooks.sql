-- Webhooks (docs/webhooks.md): an organisation's own system (a property company's ticket system, an HC-style
-- community platform) gets every event addressed to that organisation as a signed JSON POST, instead of polling.

CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY CHECK (id ~ '^wh_[0-9a-f]{16}$'),
  organization_id text NOT NULL REFERENCES organizations (id),
  url text NOT NULL CHECK (length(url) <= 2048),
  description text NULL,
  -- The signing secret must be readable to sign with, so it cannot be a hash: it is sealed with AES-256-GCM under a
  -- key derived from the server's secret (JWT_SECRET), bound to the endpoint's id, so a database dump or backup alone
  -- does not give anyone the power to forge deliveries. `v1:<iv>:<tag>:<ciphertext>`, base64url.
  secret_sealed text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_by text NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  secret_rotated_at timestamptz NULL,
  -- An endpoint is deactivated, never deleted: its delivery log keeps naming it.
  deactivated_at timestamptz NULL,
  deactivated_reason text NULL CHECK (deactivated_reason IN ('deleted', 'gone')),
  CHECK (active = (deactivated_at IS NULL))
);
CREATE INDEX webhook_endpoints_organization_idx ON webhook_endpoints (organization_id, created_at DESC);
COMMENT ON TABLE webhook_endpoints IS '组织自有系统的推送地址 / Webhook endpoints: an organisation''s own system, sent its events signed';

-- One row per POST (or per refusal to POST): what the endpoint answered, how long it took.
CREATE TABLE webhook_deliveries (
  id bigserial PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
  -- No foreign key to notification_outbox: this row is written on a connection of its own while the dispatcher's
  -- transaction holds the outbox row FOR UPDATE, and the key check's FOR KEY SHARE would wait on that lock forever.
  outbox_id bigint NOT NULL,
  dedupe_key text NOT NULL,
  event text NOT NULL,
  -- The nth POST of this message, counting across manual redeliveries.
  attempt int NOT NULL CHECK (attempt >= 1),
  status_code int NULL CHECK (status_code BETWEEN 100 AND 599),
  latency_ms int NOT NULL CHECK (latency_ms >= 0),
  error text NULL,
  at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (outbox_id, attempt)
);
CREATE INDEX webhook_deliveries_endpoint_at_idx ON webhook_deliveries (endpoint_id, at DESC);
COMMENT ON TABLE webhook_deliveries IS '推送记录 / Webhook delivery log: every attempt with its status and latency';

-- An endpoint's messages, newest first (GET /webhooks/:id/deliveries): one index range.
CREATE INDEX notification_outbox_webhook_endpoint_idx ON notification_outbox ((recipient ->> 'endpointId'), id DESC)
  WHERE channel = 'webhook';
