"""Customers' data rights: the processing register, requests and their answers, consent."""
