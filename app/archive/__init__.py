"""The archive room: paper files, their loans and returns, transfers and destruction."""
