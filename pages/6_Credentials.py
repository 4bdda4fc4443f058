"""An operator's stages and credentials: what is done, what is missing, and the history."""

import streamlit as st

from cohort import actions, rules
from cohort.errors import CohortError
from cohort.history import operator_history
from cohort.snapshot import load_snapshot
from cohort.status import operator_status, prerequisites
from ui.state import current_reviewer, get_cursor, reviewer_picker

st.set_page_config(page_title="Credentials · Butterfly Review", layout="wide")
reviewer_picker()
cursor = get_cursor()
actor = current_reviewer()

st.title("Operator stages and credentials")
# A success message survives the rerun that redraws the page with the new row.
if "credentials_flash" in st.session_state:
    st.success(st.session_state.pop("credentials_flash"))
snapshot = load_snapshot(cursor)
labels = snapshot.operator_labels()
if not labels:
    st.info("No operator yet: submit the intake form first.")
    st.stop()
operator_id = st.selectbox(
    "Operator", list(labels), format_func=labels.get, key="credentials_operator"
)
status = operator_status(snapshot, operator_id)

st.subheader(f"Stage: {status.stage}")
for step in status.steps:
    mark = ":green[:material/check_circle:]" if step.complete else ":orange[:material/pending:]"
    source = " (from the pack decision)" if step.derived else ""
    who_when = f" — {step.by}, {step.at:%Y-%m-%d %H:%M} UTC" if step.at else ""
    st.markdown(f"{mark} **{step.stage}**{source}: {step.explanation}{who_when}")
for blocker in status.blockers:
    st.warning(blocker)

with st.form("credentials_training_form"):
    st.markdown("**Training** (recorded by a cohort lead)")
    training_action = st.radio(
        "Action", actions.TRAINING_ACTIONS, horizontal=True, key="credentials_training_action"
    )
    training_reason = st.text_input(
        "Why", key="credentials_training_reason", help="Modules completed, or why it reopens."
    )
    if st.form_submit_button("Record training step"):
        try:
            actions.record_training(cursor, operator_id, training_action, training_reason, actor)
        except CohortError as exc:
            st.error(str(exc))
        else:
            st.session_state["credentials_flash"] = "Training step recorded."
            st.rerun()

st.subheader("Credentials")
credentials_by_level = {c.level: c for c in status.credentials}
for level, title in rules.LEVELS.items():
    credential = credentials_by_level.get(level)
    with st.expander(f"{title}: {credential.status if credential else 'not issued'}"):
        if credential:
            code = rules.REASONS.get(credential.reason_code or "", "")
            st.markdown(
                f"Issued {credential.issued_on}, renews {credential.renews_on}. Latest: "
                f"{credential.action} by {credential.recorded_by} — {code} {credential.reason}"
            )
        for requirement in prerequisites(snapshot, operator_id, level):
            mark = (
                ":green[:material/check_circle:]" if requirement.met else ":red[:material/cancel:]"
            )
            st.markdown(f"{mark} {requirement.label}: {requirement.detail}")

with st.form("credentials_action_form"):
    st.markdown("**Change a credential**")
    left, middle, right = st.columns(3)
    level = left.selectbox(
        "Level", list(rules.LEVELS), format_func=rules.LEVELS.get, key="credentials_level"
    )
    action = middle.selectbox("Action", actions.CREDENTIAL_ACTIONS, key="credentials_action")
    on_date = right.date_input("Issue or renewal date", key="credentials_date")
    reason_code = left.selectbox(
        "Reason (suspend or revoke)",
        [None, *rules.REASONS],
        format_func=lambda code: "—" if code is None else rules.REASONS[code],
        key="credentials_reason_code",
    )
    reason = st.text_input("Reason or note", key="credentials_reason")
    if st.form_submit_button("Apply"):
        try:
            actions.apply_credential_action(
                cursor, operator_id, level, action, on_date, reason_code, reason, actor
            )
        except CohortError as exc:
            st.error(str(exc))
        else:
            st.session_state["credentials_flash"] = f"{rules.LEVELS[level]}: {action} recorded."
            st.rerun()

with st.form("credentials_requirement_form"):
    st.markdown("**Recovery Lead requirement**")
    left, right = st.columns(2)
    requirement = left.selectbox(
        "Requirement",
        list(rules.RECOVERY_LEAD_REQUIREMENTS),
        format_func=rules.RECOVERY_LEAD_REQUIREMENTS.get,
        key="credentials_requirement",
    )
    completed_on = right.date_input("Completed on", key="credentials_requirement_date")
    evidence = left.text_input("Evidence reference", key="credentials_requirement_evidence")
    notes = right.text_input("Notes", key="credentials_requirement_notes")
    if st.form_submit_button("Record requirement"):
        try:
            actions.record_requirement(
                cursor, operator_id, requirement, completed_on, evidence, notes, actor
            )
        except CohortError as exc:
            st.error(str(exc))
        else:
            st.session_state["credentials_flash"] = "Requirement recorded."
            st.rerun()

st.subheader("History")
st.dataframe(operator_history(cursor, snapshot, operator_id), hide_index=True)
