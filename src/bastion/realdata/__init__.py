"""Real trajectories (drone logs, ADS-B states, bird GPS) flown past Bastion's own radar,
tracker and classifier: the real-data half of the classification evaluation."""
