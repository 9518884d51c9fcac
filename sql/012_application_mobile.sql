-- USSD answers a caller by the mobile number registered on applications
-- (several family members may share one): find them by index.
ALTER TABLE application ADD KEY ix_application_mobile (mobile);
