from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    label = "practices"
    verbose_name = _("Good practices")

    def ready(self):
        from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
        from wagtail.signals import task_submitted

        from .validation import PracticeValidationState

        class ValidationSubmittedNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
            def get_template_base_prefix(self, instance, **kwargs):
                return "task_state_"  # Wagtail's templates, not ones named after our class

        # Wagtail connects its "submitted for review" email to the base TaskState only; our
        # reviews are a TaskState subclass, so validators would otherwise never hear of them.
        self.validation_submitted_notifier = ValidationSubmittedNotifier()
        task_submitted.connect(
            self.validation_submitted_notifier,
            sender=PracticeValidationState,
            dispatch_uid="practice_validation_submitted_email_notification",
        )
