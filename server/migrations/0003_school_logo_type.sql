-- The logo's media type (image/png, image/jpeg or image/webp), set with the logo.
ALTER TABLE school ADD COLUMN logo_type TEXT;
