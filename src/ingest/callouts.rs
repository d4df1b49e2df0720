//! Author-year callouts in running text (filled by the seeds reader work).
