"""Readers of the deploy check's inputs: Dockerfiles, Kubernetes objects, Terraform, Python."""
