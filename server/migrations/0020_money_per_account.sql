-- Money stays in its school. A bank's reference is unique at that bank, not across the
-- accounts of different schools there, so a transfer is keyed by the receiving account too:
-- bank BIN, account number and reference. Before, one school's statement could claim a
-- reference that another school's transfer later carried, which was then answered "already
-- recorded" and never settled.
UPDATE payment
   SET external_id = bank_bin || ':' || account || ':' || substr(external_id, length(bank_bin) + 2)
 WHERE source = 'bank_transfer' AND bank_bin IS NOT NULL AND account IS NOT NULL
   AND substr(external_id, 1, length(bank_bin) + 1) = bank_bin || ':';

-- A card approval is one school's terminal's: another school's typo cannot block it.
UPDATE payment
   SET external_id = 'POS:' || school_id || ':' || substr(external_id, 5)
 WHERE source = 'office' AND substr(external_id, 1, 4) = 'POS:';

-- A gateway's merchant code belongs to one school: the IPN names the school by it. Where two
-- schools entered the same code, the one that entered it first keeps it.
DELETE FROM gateway_config
 WHERE EXISTS (SELECT 1 FROM gateway_config g
                WHERE g.tmn_code = gateway_config.tmn_code
                  AND (g.updated_at < gateway_config.updated_at
                       OR (g.updated_at = gateway_config.updated_at AND g.school_id < gateway_config.school_id)));
CREATE UNIQUE INDEX gateway_config_tmn_code ON gateway_config (tmn_code);
