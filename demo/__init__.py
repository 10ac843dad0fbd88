"""The demo of the Quickstart: the paper, the events of March 2025, the update through the workflow.

The top layer: it may use every app (``manage.py load_demo``, ``demo_march_update``);
no app imports it.
"""
