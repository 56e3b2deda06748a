"""What a user reads on a page, for the tests of the staff site."""


def messages_after(client, url, data):
    """The messages shown after posting ``data`` to ``url`` and following where it leads."""
    response = client.post(url, data, follow=True)
    return [str(message) for message in response.context["messages"]]
