"""Integration with the HR system (SAP SuccessFactors): officers, job information and PDRs
in; posting outcomes out as effective-dated EmpJob rows."""
