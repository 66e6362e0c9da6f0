from tests.factories import make_practice


def test_practice_page_renders(client, practice_index):
    practice = make_practice(practice_index, title="Help at Home")
    response = client.get(practice.url)
    assert response.status_code == 200
    assert b"Help at Home" in response.content
