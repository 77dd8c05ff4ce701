# The same load as site.swarm, for Debian's Locust in the key comparison.
from locust import HttpUser, constant, task


class Web(HttpUser):
    wait_time = constant(0.05)

    @task
    def ok(self):
        self.client.get("/products/1")

    @task
    def bad(self):
        self.client.get("/status/500")
