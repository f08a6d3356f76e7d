"""The job runner: claims jobs from the database and runs them; embedded or standalone."""
