"""What proves it: certificates, their verification, and the registers of certifications."""
