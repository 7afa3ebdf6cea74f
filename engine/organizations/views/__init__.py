"""The organization pages: directory, people, switcher, staff's provider list."""
