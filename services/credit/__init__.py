"""Credit supervision: listings (listings, listing_rules), joint discipline (discipline), the
four colours (risk, risk_rules, risk_parameters), 联动告知 (referrals, referral_inbox) and what
the public may read (publicity).
"""
