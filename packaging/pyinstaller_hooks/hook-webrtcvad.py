# The module is installed by the webrtcvad-wheels distribution; the stock hook asks for
# the metadata of "webrtcvad" and fails.
from PyInstaller.utils.hooks import copy_metadata

datas = copy_metadata("webrtcvad-wheels")
