-- The receipt form (mẫu số) and series (ký hiệu) a school registered with the tax office for its own
-- receipts, if it did: printed on its receipts from then on. Without them a receipt carries only
-- hocphi's plain number (the year and a sequence), never a code that looks like a registration.
ALTER TABLE school ADD COLUMN receipt_form_number TEXT;
ALTER TABLE school ADD COLUMN receipt_series TEXT;
