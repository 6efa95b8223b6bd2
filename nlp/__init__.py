"""The text path shared by training and serving: normalise, tokenise, featurise, detect cues, predict."""
