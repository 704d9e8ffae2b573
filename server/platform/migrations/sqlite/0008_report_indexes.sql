-- The service report and the waiting list's start read a referral by its enrolment.
CREATE INDEX referrals_enrolment ON referrals (enrolment_id);
-- Nearly every answer corrects nothing. Over the whole column, ANALYZE records that as one
-- value shared by every row, and SQLite 3.46 then scans the index for each answer it checks
-- ("is this answer corrected?"): minutes for the report of a large organisation. Indexing only
-- the corrections keeps the statistics true and the index small.
DROP INDEX responses_corrects;
CREATE INDEX responses_corrects ON responses (corrects) WHERE corrects IS NOT NULL;
