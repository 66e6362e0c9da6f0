from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeerReviewsConfig(AppConfig):
    name = "peer_reviews"
    label = "peer_reviews"
    verbose_name = _("Peer reviews")
