-- "Forget this phone": access tokens a parent ended from the device that held them (a shared,
-- lent or sold phone, or a child removed from the list), so a copy of them opens nothing. Only a
-- digest of the token is kept, until the token would have expired anyway (the daily sweep).
CREATE TABLE child_token_revoked (
    token_digest TEXT PRIMARY KEY,
    expires_at   BIGINT NOT NULL
);
