package mel

// CellConfig is cellConfig for the external tests.
var CellConfig = cellConfig
