//! Text clean-up shared by page readers (filled by the seeds reader work).
