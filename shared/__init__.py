"""The small kernel every service uses: settings, identity, the decision ledger, problems,
persistence plumbing, the event feed and its follower. No domain models live here."""
