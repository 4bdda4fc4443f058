"""Organisation accreditation, quality checks after delivery, and directory eligibility."""

import streamlit as st

from cohort import actions, rules
from cohort.errors import CohortError
from cohort.history import org_history
from cohort.snapshot import load_snapshot
from cohort.status import org_status
from ui.state import current_reviewer, get_cursor, reviewer_picker

FLASH = "accreditation_flash"
ITEMS = {**rules.DELIVERY_ITEMS, **rules.MANAGED_ITEMS}

st.set_page_config(page_title="Accreditation · Butterfly Review", layout="wide")
reviewer_picker()
cursor = get_cursor()
actor = current_reviewer()

st.title("Organisation accreditation")
# A success message survives the rerun that redraws the page with the new row.
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
snapshot = load_snapshot(cursor)
labels = snapshot.org_labels()
if not labels:
    st.info("No organisation yet: submit the intake form first.")
    st.stop()
partner_id = st.selectbox(
    "Organisation", list(labels), format_func=labels.get, key="accreditation_org"
)
status = org_status(snapshot, partner_id)
membership = status.membership

level = status.accreditation.level or "Not accredited"
st.subheader(f"{level} · membership: {membership.status if membership else 'unknown'}")
if status.eligibility.eligible:
    st.success("Eligible for the partner directory.")
else:
    st.warning("Not eligible for the partner directory: " + "; ".join(status.eligibility.reasons))
if status.quality.flagged:
    st.error(status.quality.message)

delivery_col, managed_col = st.columns(2)
for column, title, requirements in (
    (delivery_col, rules.DELIVERY_PARTNER, status.accreditation.delivery),
    (managed_col, rules.MANAGED_RESILIENCE_PARTNER, status.accreditation.managed),
):
    column.markdown(f"**{title}**")
    for requirement in requirements:
        mark = ":green[:material/check_circle:]" if requirement.met else ":red[:material/cancel:]"
        column.markdown(f"{mark} {requirement.label}: {requirement.detail}")

with st.form("accreditation_item_form"):
    st.markdown("**Record an accreditation item**")
    left, middle, right = st.columns(3)
    item = left.selectbox("Item", list(ITEMS), format_func=ITEMS.get, key="accreditation_item")
    item_action = middle.selectbox("Action", actions.ITEM_ACTIONS, key="accreditation_action")
    item_date = right.date_input("Date", key="accreditation_date")
    evidence = left.text_input("Evidence reference", key="accreditation_evidence")
    notes = st.text_input(
        "Notes", key="accreditation_notes", help="Required when insurance is not needed: say why."
    )
    if st.form_submit_button("Record item"):
        try:
            actions.record_accreditation_item(
                cursor, partner_id, item, item_date, evidence, notes, actor, action=item_action
            )
        except CohortError as exc:
            st.error(str(exc))
        else:
            st.session_state[FLASH] = f"{ITEMS[item]}: {item_action} recorded."
            st.rerun()

st.subheader("Quality checks after delivery")
st.caption(status.quality.message)
with st.form("accreditation_quality_form"):
    left, middle, right = st.columns(3)
    checked_on = left.date_input("Checked on", key="accreditation_quality_date")
    delivery = middle.text_input("Customer delivery", key="accreditation_quality_delivery")
    result = right.radio(
        "Result", actions.QUALITY_RESULTS, horizontal=True, key="accreditation_quality_result"
    )
    quality_notes = st.text_input("Notes", key="accreditation_quality_notes")
    if st.form_submit_button("Record quality check"):
        try:
            actions.record_quality_check(
                cursor, partner_id, checked_on, delivery, result, quality_notes, actor
            )
        except CohortError as exc:
            st.error(str(exc))
        else:
            st.session_state[FLASH] = f"Quality check recorded: {result}."
            st.rerun()

with st.form("accreditation_membership_form"):
    st.markdown("**Membership** (suspend, reinstate or withdraw the organisation)")
    left, right = st.columns(2)
    new_status = left.selectbox(
        "Status", ["suspended", "admitted", "withdrawn"], key="accreditation_status"
    )
    reason_code = right.selectbox(
        "Reason (suspension)",
        [None, *rules.REASONS],
        format_func=lambda code: "—" if code is None else rules.REASONS[code],
        key="accreditation_reason_code",
    )
    reason = st.text_input("Reason", key="accreditation_reason")
    if st.form_submit_button("Change membership"):
        try:
            actions.set_org_status(cursor, partner_id, new_status, reason_code, reason, actor)
        except CohortError as exc:
            st.error(str(exc))
        else:
            st.session_state[FLASH] = f"{labels[partner_id]} is now {new_status}."
            st.rerun()

st.subheader("History")
st.dataframe(org_history(cursor, partner_id), hide_index=True)
