"""The portal's own date and number formats (``FORMAT_MODULE_PATH``), where Django's differ from
how dates are written in Finland."""
