-- Bearer tokens (ABI 1.1): an expiry, so that a token given to an office or
-- the welfare system ends by itself, and revocation by the administrator.
ALTER TABLE api_token
  ADD COLUMN expires_at DATETIME(3) NULL AFTER created_at;
