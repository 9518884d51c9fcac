-- The registration plugin's own migrations (applied after the core's,
-- recorded under "registration").  Until when a place stays held because
-- an attempt to pay for it is open at the bank: the core tells the plugin
-- (payable at_bank), so the hold sweeper no longer reads the core's
-- payment table.
ALTER TABLE application
  ADD COLUMN pay_open_until DATETIME(3) NULL AFTER hold_until;

UPDATE application a
   SET a.pay_open_until = (SELECT MAX(p.expires_at) FROM payment p
                            WHERE p.subject_id = a.id
                              AND p.state IN ('created', 'redirected')
                              AND p.callback_failed_at IS NULL)
 WHERE a.stage = 'reserved';
