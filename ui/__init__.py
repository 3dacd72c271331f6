"""The Qt desktop interface of Custos: windows, dialogs and workers that draw what app/ does."""
