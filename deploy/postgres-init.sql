-- One database per service (each service owns its event store and read models).
CREATE DATABASE postings;
CREATE DATABASE appeals;
CREATE DATABASE roi;
