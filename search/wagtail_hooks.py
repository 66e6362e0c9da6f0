from wagtail import hooks


@hooks.register("load_demo_content", order=100)
def rebuild_search_index(home):
    """After every app has loaded its demo content, rebuild the search index."""
    from . import indexing

    count = indexing.rebuild()
    return f"Search: {count} documents indexed."
