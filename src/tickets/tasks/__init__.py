"""Task layer: ``run(cfg)`` per command. The only code that sees the Hydra config.

Each task turns its config section into typed settings, calls the domain code, and reports
what it did and where the output went.
"""
