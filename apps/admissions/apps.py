from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "apps.admissions"

    def ready(self):
        from apps.admissions.selectors import return_refusal
        from apps.rounds.selectors import return_check_register

        return_check_register(return_refusal)
