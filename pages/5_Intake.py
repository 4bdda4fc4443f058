"""Self-service intake: create the routing record of a partner organisation."""

import streamlit as st

from cohort import actions, intake
from cohort.errors import CohortError
from cohort.rules import MAX_OPERATORS_PER_ORG, MAX_ORGANISATIONS, MOTIONS, TRACKS
from cohort.snapshot import load_snapshot
from ui.state import current_reviewer, get_cursor, reviewer_picker


def operator_fields(prefix: str, number: int) -> dict[str, object]:
    """Draw one operator's inputs and return their raw values."""
    st.markdown(f"**Operator {number}**")
    left, right = st.columns(2)
    return {
        "name": left.text_input("Name", key=f"{prefix}_name"),
        "email": right.text_input("Email", key=f"{prefix}_email"),
        "okta_iam_years": left.number_input(
            "Years of Okta/IAM experience", 0, 50, 0, key=f"{prefix}_years"
        ),
        "requested_track": right.selectbox("Requested track", TRACKS, key=f"{prefix}_track"),
        "experience_notes": st.text_area(
            "Okta/IAM experience", key=f"{prefix}_notes", help="Products run, projects led."
        ),
        "operator_id": st.text_input(
            "Operator id (optional)", key=f"{prefix}_id", help="Leave empty to get one (OP-...)."
        ),
    }


st.set_page_config(page_title="Intake · Butterfly Review", layout="wide")
reviewer_picker()
cursor = get_cursor()
actor = current_reviewer()

st.title("Certification intake")
st.caption(
    f"The founding cohort admits up to {MAX_ORGANISATIONS} partner organisations with "
    f"{MAX_OPERATORS_PER_ORG} operators each, and one supervised Okta recovery or readiness "
    "pilot per organisation. Submitting creates the routing record and the ids to put in "
    "evidence-pack manifests."
)

count = st.number_input(
    "Number of operators",
    1,
    4,
    1,
    key="intake_operator_count",
    help=f"At most {MAX_OPERATORS_PER_ORG} per organisation in the founding cohort.",
)
with st.form("intake_form"):
    left, right = st.columns(2)
    form = {
        "organisation": left.text_input("Partner organisation", key="intake_org"),
        "partner_id": right.text_input(
            "Partner id (optional)", key="intake_partner_id", help="Leave empty to get one (P-...)."
        ),
        "motion": left.selectbox("Motion", MOTIONS, key="intake_motion"),
        "target_customers": right.text_input("Target customers", key="intake_customers"),
        "pilot_context": st.text_area(
            "Pilot context",
            key="intake_pilot",
            help="The supervised Okta recovery or readiness pilot you plan: customer type, tenant.",
        ),
    }
    form["operators"] = [operator_fields(f"intake_op{n}", n) for n in range(1, int(count) + 1)]
    waitlist = st.checkbox(
        "Record on the waitlist (cohort lead)",
        key="intake_waitlist",
        help="Records the applicant without taking one of the founding-cohort places.",
    )
    submitted = st.form_submit_button("Submit intake", type="primary")

if submitted:
    try:
        application = intake.parse_application(form)
        result = intake.submit_intake(cursor, application, actor, waitlist=waitlist)
    except intake.IntakeInvalid as exc:
        st.error(
            "The application was not saved. Fix these fields:\n\n"
            + "\n".join(f"- {problem}" for problem in exc.problems)
        )
    except CohortError as exc:
        st.error(str(exc))
    else:
        st.success(
            f"{application.organisation} is {result.status} as {result.partner_id} "
            f"({result.message}). Operator ids: {', '.join(result.operator_ids)}. Use these "
            "ids in manifest.partner and manifest.operators of every evidence pack."
        )

snapshot = load_snapshot(cursor)
labels = snapshot.org_labels()

st.subheader("Add an operator to an organisation")
if labels:
    with st.form("intake_add_form"):
        partner_id = st.selectbox(
            "Organisation", list(labels), format_func=labels.get, key="intake_add_org"
        )
        extra = operator_fields("intake_add", 1)
        added = st.form_submit_button("Add operator")
    if added:
        try:
            operator_id = intake.add_operator(
                cursor, partner_id, intake.parse_operator(extra), actor
            )
        except intake.IntakeInvalid as exc:
            st.error("The operator was not added: " + "; ".join(exc.problems))
        except CohortError as exc:
            st.error(str(exc))
        else:
            st.success(f"Operator {operator_id} added to {labels[partner_id]}.")
else:
    st.info("No organisation yet: submit the intake form first.")

st.subheader("Waitlist")
waiting = snapshot.waitlisted()
if not waiting:
    st.caption("Nobody is on the waitlist.")
for partner_id in waiting:
    member = snapshot.memberships[partner_id]
    st.markdown(f"**{labels[partner_id]}**: {member.reason}")
    if st.button("Admit to the cohort", key=f"intake_admit_{partner_id}"):
        try:
            actions.set_org_status(
                cursor, partner_id, "admitted", None, "admitted from the waitlist", actor
            )
        except CohortError as exc:
            st.error(str(exc))
        else:
            st.success(f"{labels[partner_id]} is admitted.")
