"""Which Wagtail group plays which role, and for which organisation or project.

Groups stay ordinary Wagtail groups (editable under Settings > Groups); this table only says
what a group stands for, so permission checks never parse group names."""

from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .reference import original_projects


class Role(models.TextChoices):
    PARTNER_AUTHOR = "partner-author", _("Partner author")
    PROJECT_COORDINATOR = "project-coordinator", _("Project coordinator")
    VALIDATOR = "validator", _("Validator")
    SITE_EDITOR = "site-editor", _("Site editor")


class RoleGroup(models.Model):
    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="portal_role", verbose_name=_("group")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_groups",
        verbose_name=_("organisation"),
        help_text=_("For partner authors: the organisation whose practices they write."),
    )
    project = models.ForeignKey(
        "portal.CooperationProject",
        limit_choices_to=original_projects,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_groups",
        verbose_name=_("cooperation project"),
        help_text=_("For project coordinators: the project they coordinate."),
    )

    class Meta:
        verbose_name = _("role group")
        verbose_name_plural = _("role groups")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role="partner-author"),
                name="one_author_group_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role="project-coordinator"),
                name="one_coordinator_group_per_project",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role="partner-author", organisation__isnull=False, project__isnull=True)
                    | Q(
                        role="project-coordinator", project__isnull=False, organisation__isnull=True
                    )
                    | (
                        Q(
                            role__in=["validator", "site-editor"],
                            organisation__isnull=True,
                            project__isnull=True,
                        )
                    )
                ),
                name="role_group_scope_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.group.name}"
