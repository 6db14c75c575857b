"""Re-walks: starting next year's walk from the last one, and comparing the two.

No streamlit and no database here: `datawalk.services.rewalks` writes, these modules decide.
"""
