"""The branch's compliance file (合规台账, issue 16): the branch's own side of data
protection, beside the customer's side in app/rights.

- breaches.py      personal-data breaches: register, deadlines, letters, closing
- assessments.py   impact assessments (DPIA) for each processing activity
- partners.py      external recipients, supervision checks, disclosures, export approvals
- staff.py         confidentiality agreements and training
- reviews.py       quarterly permission reviews
- evidence.py      backups on record: destinations, verify and restore tests
- tiles.py         what each part shows on the manager's dashboard

Every rule is checked here (never only in ui/), on both stores.
"""
