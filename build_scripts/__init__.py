"""Build scripts of the archive of Chinese government information-disclosure annual reports."""
