# The Locust equivalent of shop.swarm (tests/t-cli.sh compares the output
# of --list, --show-task-ratio and --show-task-ratio-json with Debian's
# Locust on this file).  Never run against a server: those options exit
# before any user starts.
from locust import HttpUser, TaskSet, SequentialTaskSet, task, tag, constant


class WebsiteUser(HttpUser):
    weight = 3
    wait_time = constant(0.1)

    @tag("Critical")
    @task(3)
    def index(self):
        self.client.get("/")

    @tag("Normal")
    @task
    def about(self):
        self.client.get("/about")

    @task
    class Forum(TaskSet):
        @task(2)
        def read(self):
            self.client.get("/products/3")

        @tag("Normal")
        @task
        def write(self):
            self.client.get("/products/4")

        @task
        class Thread(SequentialTaskSet):
            @task
            def open(self):
                self.client.get("/products/5")

            @task(3)
            def reply(self):
                self.client.get("/products/6")

            @task
            def done(self):
                self.interrupt()

        @task
        def leave(self):
            self.interrupt()


class AdminUser(HttpUser):
    wait_time = constant(0.1)

    @tag("Critical")
    @task
    def stats(self):
        self.client.get("/products/1")

    @task(2)
    def search(self):
        self.client.get("/products/2")
