from wagtail import hooks


@hooks.register("load_demo_content", order=100)
def rebuild_search_index(home):
    """After every app has loaded its demo content, rebuild the search index."""
    from . import indexing

    count = indexing.rebuild()
    return f"Search: {count} documents indexed."


@hooks.register("demo_content_loading")
def index_once_at_the_end():
    """The demo content's saves do not re-index object by object: the hook above rebuilds
    the index once they are all done."""
    from . import indexing

    return indexing.deferred_to_rebuild()
